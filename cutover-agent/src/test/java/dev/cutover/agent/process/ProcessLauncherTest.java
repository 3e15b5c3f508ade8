package dev.cutover.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessLauncherTest {

    @Test
    void aProgramIsFoundOnThePathOrFromTheWorkingDirectoryOrNamedAsMissing(@TempDir Path work) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin.resolve("tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(bin.resolve("data"), "not a program");

        assertThat(ProcessLauncher.missing("sh", work, "/usr/bin:/bin")).isNull();
        assertThat(ProcessLauncher.missing("tool", work, "/usr/bin:bin")).as("a relative PATH entry").isNull();
        assertThat(ProcessLauncher.missing("./bin/tool", work, "/usr/bin")).isNull();
        assertThat(ProcessLauncher.missing("data", work, "bin"))
                .isEqualTo("data: No such file or directory: not found on the release's PATH (bin)");
        assertThat(ProcessLauncher.missing("nope", work, "/usr/bin:/bin"))
                .isEqualTo("nope: No such file or directory: not found on the release's PATH (/usr/bin:/bin)");
        assertThat(ProcessLauncher.missing("./bin/nope", work, "/bin")).isEqualTo("./bin/nope: No such file or directory");
        assertThat(ProcessLauncher.missing("nope", work, null)).as("no PATH: the exec decides").isNull();
    }
}
