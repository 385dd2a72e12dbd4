package org.tcplab.server.capture;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.server.lab.LabHttp;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.PublicUrl;
import org.tcplab.server.system.RequestGuardFilter;
import org.tcplab.server.system.TcpLabProperties;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Bring your own capture (lab-api.md "Captures"): a pcap or pcapng file as the raw request body
 * becomes one read-only lab per TCP conversation. The body is read as a stream with a limit, so a
 * file past {@code tcplab.max-capture-bytes} costs no more than the limit before it is refused.
 */
@RestController
@Tag(name = "captures", description = "Bring your own capture: a pcap or pcapng file becomes read-only labs")
class CaptureUploadController {

    private final CaptureLabs captures;
    private final LabService labs;
    private final TcpLabProperties props;
    private final PublicUrl publicUrl;

    CaptureUploadController(CaptureLabs captures, LabService labs, TcpLabProperties props, PublicUrl publicUrl) {
        this.captures = captures;
        this.labs = labs;
        this.props = props;
        this.publicUrl = publicUrl;
    }

    @PostMapping("/api/captures")
    @ApiResponse(responseCode = "201", description = "one read-only lab per TCP conversation, and the upload's token")
    @io.swagger.v3.oas.annotations.parameters.RequestBody(
            description = "the capture file itself",
            content =
                    @Content(
                            mediaType = "application/octet-stream",
                            schema = @Schema(type = "string", format = "binary")))
    @Operation(
            summary = "Upload a capture",
            description = "The body is the pcap or pcapng file itself (e.g. curl --data-binary @hs.pcap). 201 with"
                    + " the upload's token (it deletes the labs) and one lab per TCP conversation; 400 problem for a"
                    + " file that is not a capture or holds no TCP; 413 past tcplab.max-capture-bytes.")
    Mono<ResponseEntity<CaptureJson.Upload>> upload(
            ServerHttpRequest request,
            @Parameter(description = "the file's name, shown in the labs")
                    @RequestParam(value = "name", required = false)
                    String name) {
        String source = name == null || name.isBlank() ? "upload" : name.strip();
        if (source.length() > props.getMaxStringLength()) {
            throw new LabProblem(
                    ProblemType.STRING_TOO_LONG,
                    "name: at most " + props.getMaxStringLength() + " characters (tcplab.max-string-length)",
                    "name",
                    null);
        }
        labs.admit(LabHttp.clientAddress(request));
        long max = props.getMaxCaptureBytes();
        // Without a Content-Length (chunked), the body is read up to the limit and refused past it.
        return DataBufferUtils.join(request.getBody(), (int) Math.min(max, Integer.MAX_VALUE - 8))
                .onErrorMap(DataBufferLimitException.class, e -> RequestGuardFilter.captureTooLarge(-1, max))
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new byte[0])
                .publishOn(Schedulers.boundedElastic())
                .map(bytes -> created(captures.upload(ByteBuffer.wrap(bytes), source, viewers(request))));
    }

    @GetMapping("/api/captures/samples")
    @Operation(
            summary = "Captures recorded against Linux",
            description = "Shipped in the jar: TAP labs recorded against the Linux kernel. English, or Chinese with"
                    + " Accept-Language: zh.")
    List<CaptureJson.Sample> samples(Locale locale) {
        List<CaptureJson.Sample> out = new ArrayList<>();
        for (CaptureSamples.Sample s : CaptureSamples.ALL) {
            out.add(new CaptureJson.Sample(s.name(), s.title(locale), s.description(locale), s.file()));
        }
        return out;
    }

    @PostMapping("/api/captures/samples/{name}")
    @Operation(
            summary = "Open a recorded capture as labs",
            description = "Like an upload of that file: 201 with the token and the conversations.")
    Mono<ResponseEntity<CaptureJson.Upload>> openSample(@PathVariable("name") String name, ServerHttpRequest request) {
        CaptureSamples.Sample sample = CaptureSamples.find(name)
                .orElseThrow(() ->
                        LabProblem.notFound("no recorded capture " + name + " (GET /api/captures/samples lists them)"));
        labs.admit(LabHttp.clientAddress(request));
        return Mono.fromCallable(() ->
                        created(captures.upload(ByteBuffer.wrap(sample.bytes()), sample.file(), viewers(request))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private Function<String, String> viewers(ServerHttpRequest request) {
        return lab -> publicUrl.viewer(request, lab);
    }

    /** 201; the answer carries the upload's token: no cache may keep it (RFC 9111 §5.2.2.5). */
    private static ResponseEntity<CaptureJson.Upload> created(CaptureJson.Upload body) {
        return ResponseEntity.status(HttpStatus.CREATED)
                .cacheControl(CacheControl.noStore())
                .body(body);
    }
}
