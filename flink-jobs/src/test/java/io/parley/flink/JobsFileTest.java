package io.parley.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.parley.flink.jobs.ParleyJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JobsFileTest {

    @Test
    void shouldListEveryJobNameTheLocalClusterSubmits() throws Exception {
        assertThat(Files.readAllLines(Path.of("jobs.txt")))
                .containsExactlyElementsOf(
                        Arrays.stream(ParleyJob.values()).map(job -> job.jobName).toList());
    }
}
