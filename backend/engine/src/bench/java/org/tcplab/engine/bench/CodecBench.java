package org.tcplab.engine.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/** The wire codec: one 100-byte segment with timestamps, encoded and decoded. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
public class CodecBench {

    private final TcpDatagram datagram = new TcpDatagram(
            Ipv4Address.CLIENT_DEFAULT,
            Ipv4Address.SERVER_DEFAULT,
            TcpSegment.builder(40000, 80)
                    .seq(1_000_000)
                    .ack(2_000_000)
                    .window(502)
                    .options(new TcpOption.NoOp(), new TcpOption.NoOp(), new TcpOption.Timestamps(123456, 654321))
                    .payload(new byte[100])
                    .build());
    private final byte[] bytes = TcpCodec.encode(datagram);

    @Benchmark
    public byte[] encode() {
        return TcpCodec.encode(datagram);
    }

    @Benchmark
    public TcpCodec.Decoded decode() {
        return TcpCodec.decode(bytes);
    }
}
