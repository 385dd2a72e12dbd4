package org.tcplab.server.capture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.server.lab.LabService;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

@RestController
@Tag(name = "capture", description = "The lab's segments as a pcap file")
class CaptureController {

    static final MediaType PCAP = MediaType.parseMediaType("application/vnd.tcpdump.pcap");
    private final LabService labs;

    CaptureController(LabService labs) {
        this.labs = labs;
    }

    @GetMapping(value = "/api/labs/{lab}/capture.pcap")
    @Operation(
            summary = "Every segment of the lab as a classic libpcap file",
            description = "LINKTYPE_RAW (IPv4), timestamps are the lab's virtual times; opens in Wireshark.")
    Mono<ResponseEntity<byte[]>> capture(@PathVariable("lab") String id) {
        return Mono.fromCallable(() -> {
                    var events = labs.get(id).read(v -> v.eventsAfter(0));
                    byte[] pcap = PcapWriter.write(events);
                    return ResponseEntity.ok()
                            .contentType(PCAP)
                            .header(
                                    HttpHeaders.CONTENT_DISPOSITION,
                                    ContentDisposition.attachment()
                                            .filename("tcplab-" + id + ".pcap")
                                            .build()
                                            .toString())
                            .body(pcap);
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
