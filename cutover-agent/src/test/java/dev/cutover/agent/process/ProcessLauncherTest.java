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

        assertThat(ProcessLauncher.unrunnable("sh", work, "/usr/bin:/bin")).isNull();
        assertThat(ProcessLauncher.unrunnable("tool", work, "/usr/bin:bin")).as("a relative PATH entry").isNull();
        assertThat(ProcessLauncher.unrunnable("./bin/tool", work, "/usr/bin")).isNull();
        assertThat(ProcessLauncher.unrunnable("nope", work, "/usr/bin:/bin")).isEqualTo(new ProcessLauncher.Unrunnable(
                "nope: No such file or directory: not found on the release's PATH (/usr/bin:/bin)", 127));
        assertThat(ProcessLauncher.unrunnable("./bin/nope", work, "/bin"))
                .isEqualTo(new ProcessLauncher.Unrunnable("./bin/nope: No such file or directory", 127));
        assertThat(ProcessLauncher.unrunnable("nope", work, null)).as("no PATH: the exec decides").isNull();
    }

    @Test
    void aProgramThatIsThereButCannotRunIsNamedAsSuchWithWhatToDo(@TempDir Path work) throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.writeString(bin.resolve("data"), "not a program");
        Files.setPosixFilePermissions(bin.resolve("data"), PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(ProcessLauncher.unrunnable("data", work, "/bin:bin")).isEqualTo(new ProcessLauncher.Unrunnable(
                "data (bin/data on the release's PATH): Permission denied: it is not executable (chmod +x it in the "
                        + "app directory and deploy again)", 126));
        assertThat(ProcessLauncher.unrunnable("./bin/data", work, "/bin")).isEqualTo(new ProcessLauncher.Unrunnable(
                "./bin/data: Permission denied: it is not executable (chmod +x it in the app directory and deploy "
                        + "again)", 126));
        assertThat(ProcessLauncher.unrunnable("bin", work, "/bin"))
                .as("a name is looked up on the PATH only").isEqualTo(new ProcessLauncher.Unrunnable(
                        "bin: No such file or directory: not found on the release's PATH (/bin)", 127));
        assertThat(ProcessLauncher.unrunnable("./bin", work, "/bin"))
                .isEqualTo(new ProcessLauncher.Unrunnable("./bin: Is a directory", 126));
    }
}
