package org.tcplab.engine.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** tshark as a witness: the fields it reads from a capture file, one map per packet. */
final class Tshark {

    private static final Path TSHARK = Path.of("/usr/bin/tshark");

    private Tshark() {}

    static boolean available() {
        return Files.isExecutable(TSHARK);
    }

    static List<Map<String, String>> fields(Path file, String... fields) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                TSHARK.toString(),
                "-n",
                "-r",
                file.toString(),
                "-T",
                "fields",
                "-E",
                "separator=\t",
                "-E",
                "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("tshark did not finish");
        }
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isEmpty()) continue;
            String[] v = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < fields.length; i++) row.put(fields[i], i < v.length ? v[i] : "");
            rows.add(row);
        }
        return rows;
    }
}
