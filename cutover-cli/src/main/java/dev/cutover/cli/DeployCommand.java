package dev.cutover.cli;

import dev.cutover.model.api.DeployRequest;
import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ManifestException;
import dev.cutover.model.manifest.ManifestReader;
import dev.cutover.model.name.EnvRef;
import dev.cutover.model.name.VersionLabel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "deploy", description = "Pack a directory (or take a bundle), upload it, and roll it out as a new release.")
final class DeployCommand extends ApiCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|BUNDLE.tar.gz", defaultValue = ".",
            description = "The app directory (default: .) or a bundle made before")
    Path source;

    @Option(names = "--to", required = true, paramLabel = "APP[/ENV]", description = "Where to deploy; created on first use")
    String to;

    @Option(names = "--version", paramLabel = "LABEL", description = "Version label (default: the git commit, -dirty "
            + "when the tree has changes; else the build's sha256 prefix)")
    String version;

    @Option(names = "--strategy", paramLabel = "NAME", description = "Override the manifest's deploy strategy")
    String strategy;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a deploy parameter, e.g. percent=20, "
            + "interval=2m, analysis.max-error-rate=5%% (repeatable)")
    List<String> set = new ArrayList<>();

    @Option(names = "--wait", description = "Show the steps live; exit 0 only when the release is serving")
    boolean waitForIt;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        EnvRef ref = env(to);
        requireVersionLabel(version, "nothing was built or uploaded");
        Map<String, String> settings = DeploySettings.parse(set);
        ManifestReader.DeployOverrides overrides = new ManifestReader.DeployOverrides(strategy, settings);
        Path bundle = null;
        String sha;
        boolean temporary = false;
        try {
            if (Files.isDirectory(source)) {
                Manifest manifest = validated(source, overrides);
                runBuild(manifest);
                bundle = Files.createTempFile("cutover-bundle-", ".tar.gz");
                temporary = true;
                sha = Bundle.pack(source, bundle);
            } else if (Files.isRegularFile(source)) {
                bundleManifest(source, overrides);
                bundle = source;
                sha = Bundle.sha256(source);
            } else {
                throw new CliException(source + ": no such directory or file (expected: an app directory or a "
                        + ".tar.gz bundle)", CliException.USAGE);
            }
            String label = version != null ? version : Files.isDirectory(source) ? GitLabel.of(source) : null;
            long size = Files.size(bundle);
            if (api.hasBuild(sha)) {
                info("build " + sha.substring(0, 12) + " already uploaded");
            } else {
                api.uploadBuild(sha, bundle);
                info("uploaded build " + sha.substring(0, 12) + " (" + human(size) + ")");
            }
            DeploymentView d = api.post(ApiClient.envPath(ref) + "/deployments",
                    new DeployRequest(sha, label, strategy, settings), DeploymentView.class);
            return report(api, ref, d, waitForIt, output, this);
        } catch (IOException e) {
            throw CliException.unreadable("cannot pack " + source, e);
        } finally {
            if (temporary && bundle != null) {
                try {
                    Files.deleteIfExists(bundle);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
    }

    static int report(ApiClient api, EnvRef ref, DeploymentView d, boolean wait, OutputFormat output, ApiCommand cmd) {
        String url = api.get(ApiClient.envPath(ref), EnvStatus.class).url();
        if (output == OutputFormat.json) {
            if (wait) {
                d = waitQuietly(cmd.patient(api), d, false);
            }
            cmd.printJson(d);
            return !wait || d.phase().equals("succeeded") || DeploymentWatch.keepingOld(d) ? 0
                    : CliException.DEPLOYMENT_FAILED;
        }
        cmd.out().println("deployment " + d.id() + ": " + d.kind() + " v" + d.release() + " (" + d.version() + ") to "
                + ref + ", strategy " + d.strategy());
        if (!wait) {
            cmd.out().println("follow it with: cutover status " + ref);
            cmd.out().flush();
            return 0;
        }
        return DeploymentWatch.follow(api, d, url, cmd.out());
    }

    /**
     * As the text output waits: to the end, or, unless {@code toTheEnd}, until the new release serves, watched, with
     * the old set warm.
     */
    static DeploymentView waitQuietly(ApiClient api, DeploymentView d, boolean toTheEnd) {
        while (!d.finished() && (toTheEnd || !DeploymentWatch.keepingOld(d))) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return d;
            }
            d = DeploymentWatch.poll(api, d, 0);
        }
        return d;
    }

    /** A {@code --version} the server would refuse is refused here, before anything is done ({@code nothingDone}). */
    static void requireVersionLabel(String version, String nothingDone) {
        String wrong = version == null ? null : VersionLabel.problem(version);
        if (wrong != null) {
            throw new CliException("--" + wrong + " (" + nothingDone + ")", CliException.USAGE);
        }
    }

    /** The manifest inside a bundle file, as deploy and plan read it; a file that is not one is a usage error. */
    static Manifest bundleManifest(Path bundle, ManifestReader.DeployOverrides overrides) {
        try (InputStream in = Files.newInputStream(bundle)) {
            return Bundle.manifestOf(in, overrides);
        } catch (ManifestException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        } catch (IOException e) {
            throw new CliException(bundle + " is not a .tar.gz bundle (" + e.getMessage() + ")", CliException.USAGE);
        }
    }

    private static Manifest validated(Path dir, ManifestReader.DeployOverrides overrides) throws IOException {
        try {
            return Bundle.manifestOf(dir, overrides);
        } catch (ManifestException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }

    private void runBuild(Manifest manifest) throws IOException {
        for (String command : manifest.build()) {
            info("build: " + command);
            ProcessBuilder build = new ProcessBuilder("/bin/sh", "-c", command).directory(source.toFile()).inheritIO();
            boolean json = output == OutputFormat.json;
            if (json) {
                build.redirectOutput(ProcessBuilder.Redirect.PIPE);
            }
            Process p = build.start();
            Thread copier = null;
            if (json) {
                // standard output is the deployment's JSON alone: what the build prints goes to standard error
                copier = Thread.ofVirtual().start(() -> {
                    try (InputStream printed = p.getInputStream()) {
                        printed.transferTo(System.err);
                    } catch (IOException e) {
                        // the build ended; what it printed last may be lost, its exit code is not
                    }
                });
            }
            try {
                if (!p.waitFor(30, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new CliException("build command timed out after 30m: " + command, CliException.USAGE);
                }
                if (copier != null) {
                    copier.join(5_000);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new CliException("interrupted during the build", CliException.USAGE);
            }
            if (p.exitValue() != 0) {
                throw new CliException("build command failed with exit code " + p.exitValue() + ": " + command
                        + " (nothing was uploaded)", CliException.USAGE);
            }
        }
    }

    private void info(String line) {
        if (output == OutputFormat.text) {
            out().println(line);
            out().flush();
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format("%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format("%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /** The version label from git: the short commit, with {@code -dirty} when the work tree has changes. */
    static final class GitLabel {
        private GitLabel() {}

        static String of(Path dir) {
            String commit = git(dir, "rev-parse", "--short=12", "HEAD");
            if (commit == null || commit.isBlank()) {
                return null;
            }
            String status = git(dir, "status", "--porcelain", "--", ".");
            return status != null && !status.isBlank() ? commit + "-dirty" : commit;
        }

        private static String git(Path dir, String... args) {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git";
            cmd[1] = "-C";
            cmd[2] = dir.toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                return p.waitFor() == 0 ? out : null;
            } catch (IOException e) {
                return null; // no git on this machine: no label from it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
