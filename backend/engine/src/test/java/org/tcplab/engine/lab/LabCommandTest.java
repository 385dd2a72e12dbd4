package org.tcplab.engine.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.wire.TcpSegment;

/** A command that exists is well formed: bad input is refused when it is made, naming the field. */
class LabCommandTest {

    private static void refused(ThrowingCallable make, String field) {
        assertThatThrownBy(make)
                .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field())
                        .isEqualTo(field))
                .hasMessageContaining(field);
    }

    @Test
    void everyCommandNamesTheFieldItRefuses() {
        refused(() -> new LabCommand.Listen(HostName.SERVER, 0), "port");
        refused(() -> new LabCommand.Listen(null, 80), "host");
        refused(() -> new LabCommand.Connect(HostName.CLIENT, 70000, 80, null, null, false), "localPort");
        refused(() -> new LabCommand.Connect(HostName.CLIENT, 1, 0, null, null, false), "remotePort");
        refused(() -> new LabCommand.Connect(null, 1, 80, null, null, false), "from");
        refused(() -> new LabCommand.Send(null, HostName.CLIENT, new byte[1]), "connection");
        refused(() -> new LabCommand.Send("1", null, new byte[1]), "side");
        refused(() -> new LabCommand.Send("1", HostName.CLIENT, null), "data");
        refused(
                () -> new LabCommand.Inject(
                        HostName.CLIENT, TcpSegment.builder(1, 2).build(), -1),
                "delayMs");
        refused(() -> new LabCommand.Inject(HostName.CLIENT, null, 0), "segment");
        refused(() -> new LabCommand.SetLink(new LinkConfig(0, 0, 0, 60, 10)), "link.mtu");
        refused(() -> new LabCommand.SetLink(new LinkConfig(-1, 0, 0, 1500, 10)), "link.latencyMs");
        refused(() -> new LabCommand.PinIsn(HostName.SERVER, 80, 40000, null), "isn");
        refused(() -> new LabCommand.RunUntilIdle(-1), "maxSteps");
    }

    @Test
    void scriptStepsBindOnlyConnectionsAndNeverMoveTime() {
        refused(() -> new ScriptStep(0, "s", null, null, "c", new LabCommand.Crash(HostName.CLIENT)), "as");
        refused(() -> new ScriptStep(0, "s", "only English", null, null, null), "narration");
        refused(() -> new ScriptStep(0, "s", null, null, null, new LabCommand.RunUntil(5)), "command");
        refused(() -> new ScriptStep(-1, "s", null, null, null, null), "at");
    }

    @Test
    void aCommandOnAScriptAliasIsTheSameCommandOnTheIdTheAliasGot() {
        LabCommand<?> send = new LabCommand.Send("c", HostName.CLIENT, new byte[] {1});
        assertThat(send.connection()).isEqualTo("c");
        assertThat(send.onConnection("3").connection()).isEqualTo("3");
        LabCommand<?> fault = new LabCommand.AddFault(
                FaultRule.of(Direction.BOTH, FaultAction.DROP).withConnection("c"));
        assertThat(fault.onConnection("3").connection()).isEqualTo("3");
        LabCommand<?> crash = new LabCommand.Crash(HostName.SERVER);
        assertThat(crash.connection()).isNull();
        assertThat(crash.onConnection("3")).isSameAs(crash);
    }
}
