package org.tcplab.server.export;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code capture.pcap}, streamed: the global header, then the log page by page (each page read under
 * the log's lock only, then written as one buffer), so a big lab's capture never sits in memory
 * whole and never waits for the lab's simulation. It ends at the last event logged when the request
 * came, so a running lab's capture is a snapshot that finishes.
 */
@RestController
@Tag(name = "capture", description = "The lab's segments as a pcap file")
class CaptureController {

    static final MediaType PCAP = MediaType.parseMediaType("application/vnd.tcpdump.pcap");
    /** Events read per page; a page's segments make one write. */
    static final int PAGE = 512;

    private final LabService labs;
    private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    CaptureController(LabService labs) {
        this.labs = labs;
    }

    @GetMapping(value = "/api/labs/{lab}/capture.pcap")
    @Operation(
            summary = "Every segment of the lab as a classic libpcap file",
            description = "LINKTYPE_RAW (IPv4), timestamps are the lab's virtual times; opens in Wireshark."
                    + " Segments are captured as sent, before the link's faults act on them.")
    Mono<ResponseEntity<Flux<DataBuffer>>> capture(@PathVariable("lab") String id) {
        return Mono.defer(() -> labs.find(id)).map(lab -> ResponseEntity.ok()
                .contentType(PCAP)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("tcplab-" + id + ".pcap")
                                .build()
                                .toString())
                .body(stream(lab)));
    }

    Flux<DataBuffer> stream(Lab lab) {
        long last = lab.lastEventId();
        Flux<DataBuffer> pages = Flux.<byte[], Long>generate(() -> 0L, (after, sink) -> {
                    List<LoggedEvent> page =
                            after >= last ? List.of() : lab.events(after, (int) Math.min(PAGE, last - after));
                    if (page.isEmpty()) {
                        sink.complete();
                        return after;
                    }
                    sink.next(PcapWriter.records(page));
                    return page.get(page.size() - 1).id();
                })
                .filter(b -> b.length > 0)
                .map(buffers::wrap);
        return Flux.concat(Mono.fromSupplier(() -> buffers.wrap(PcapWriter.header())), pages);
    }
}
