package dev.cutover.cli;

import com.fasterxml.jackson.databind.JavaType;
import dev.cutover.model.api.AppView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.json.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "apps", description = "List apps and their environments.")
final class AppsCommand extends ApiCommand {

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        JavaType type = Json.mapper().getTypeFactory().constructCollectionType(List.class, AppView.class);
        List<AppView> apps = api.get("/api/apps", type);
        if (output == OutputFormat.json) {
            printJson(apps);
            return 0;
        }
        Table t = new Table("ENVIRONMENT", "SERVING", "TRAFFIC", "INSTANCES", "URL");
        for (AppView a : apps) {
            for (EnvStatus e : a.environments()) {
                t.row(e.app() + "/" + e.env(), e.serving() == null ? "nothing" : "v" + e.serving().number() + " ("
                        + e.serving().version() + ")", StatusCommand.split(e.traffic()), e.instances().size(), e.url());
            }
        }
        t.print(out(), "");
        return 0;
    }
}
