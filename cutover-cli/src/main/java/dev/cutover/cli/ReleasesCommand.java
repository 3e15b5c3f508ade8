package dev.cutover.cli;

import com.fasterxml.jackson.databind.JavaType;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.json.Json;
import dev.cutover.model.name.EnvRef;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "releases", description = "List an environment's releases, newest first.")
final class ReleasesCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        List<ReleaseView> releases = list(api, env(target));
        if (output == OutputFormat.json) {
            printJson(releases);
            return 0;
        }
        Table t = new Table("RELEASE", "VERSION", "BUILD", "CONFIG", "KIND", "CREATED", "");
        for (ReleaseView r : releases) {
            t.row("v" + r.number(), r.version(), r.build().substring(0, 12), "rev " + r.configRevision(), r.kind(),
                    r.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), note(r));
        }
        t.print(out(), "");
        return 0;
    }

    /** What the last column says of a release. */
    private static String note(ReleaseView r) {
        String note = r.serving() ? "serving" : r.neverPassed() ? "its deployment " + r.outcome() : "";
        if (r.buildDeletedAt() == null) {
            return note;
        }
        return (note.isEmpty() ? "" : note + "; ") + "build deleted (--keep-releases)";
    }

    /** The environment's releases, newest first. */
    static List<ReleaseView> list(ApiClient api, EnvRef ref) {
        JavaType type = Json.mapper().getTypeFactory().constructCollectionType(List.class, ReleaseView.class);
        return api.get(ApiClient.envPath(ref) + "/releases", type);
    }
}
