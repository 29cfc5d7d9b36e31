package org.drvsim.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** Files in etc/ are written whole: a temporary file of the writer's own, renamed over the file. */
public class EtcFileTest {
    @Rule
    public TemporaryFolder folder = new TemporaryFolder();

    /** Two drvsim.jar processes started at once on a fresh home both write the default machine's files. */
    @Test
    public void writersOfTheSameFileAtOnceEachWriteItWholeAndLeaveNoTemporaryFile() throws Exception {
        Path file = folder.getRoot().toPath().resolve("org.drvsim.hw.device-e1k0.cfg");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                List<Future<?>> writers = new ArrayList<>();
                for (String who : List.of("a", "b")) {
                    List<String> lines = List.of("instanceId = " + who, "x".repeat(4096));
                    writers.add(pool.submit(() -> {
                        EtcFile.write(file, lines);
                        return null;
                    }));
                }
                for (Future<?> w : writers) {
                    w.get(); // neither failed (the other's rename took its temporary file away, before)
                }
                assertThat(Files.readAllLines(file, StandardCharsets.ISO_8859_1)).hasSize(2).first()
                        .isIn("instanceId = a", "instanceId = b");
            }
        } finally {
            pool.shutdownNow();
        }
        try (var left = Files.list(folder.getRoot().toPath())) {
            assertThat(left).containsExactly(file);
        }
    }
}
