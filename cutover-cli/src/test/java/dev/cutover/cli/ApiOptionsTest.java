package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiOptionsTest {

    @ParameterizedTest
    @ValueSource(strings = {"notaurl", "ftp://x", "127.0.0.1:7070", "http://", "http://host:7070/?a=b", "http:// x"})
    void aUrlThatIsNotTheApisIsAUsageErrorNamingTheOption(String url) {
        ApiOptions options = new ApiOptions();
        options.api = url;
        assertThatThrownBy(options::api).isInstanceOf(CliException.class)
                .hasMessage("--api: '" + url + "' (expected: the API's http or https URL, e.g. http://127.0.0.1:7070)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(CliException.USAGE);
    }

    @Test
    void httpAndHttpsUrlsAreTakenAsGiven() {
        ApiOptions options = new ApiOptions();
        options.api = "https://cutover.example.com:7443";
        assertThat(options.api()).isEqualTo("https://cutover.example.com:7443");
        options.api = "http://10.0.0.5:7070/";
        assertThat(options.api()).isEqualTo("http://10.0.0.5:7070/");
        options.api = "http://proxy.internal/cutover";
        assertThat(options.api()).isEqualTo("http://proxy.internal/cutover");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:7070/api", "http://127.0.0.1:7070/api/", "http://127.0.0.1:7070/api/apps"})
    void aUrlWithTheApiPathIsAUsageErrorGivingTheUrlToUse(String url) {
        ApiOptions options = new ApiOptions();
        options.api = url;
        assertThatThrownBy(options::api).isInstanceOf(CliException.class)
                .hasMessage("--api: '" + url + "' (expected: the server's URL without the /api path, which each "
                        + "command adds itself: http://127.0.0.1:7070)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(CliException.USAGE);
    }

    @Test
    void withoutATokenTheErrorSaysWhetherAnythingAnswersAtTheApi(@TempDir Path home) throws Exception {
        String previous = System.getProperty("CUTOVER_HOME");
        System.setProperty("CUTOVER_HOME", home.toString());
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ApiOptions options = new ApiOptions();
            options.api = "http://127.0.0.1:" + listening.getLocalPort();
            assertThatThrownBy(options::client).hasMessageStartingWith("no API token for " + options.api);

            listening.close();
            assertThat(ApiOptions.unreachable(options.api)).isEqualTo("connection refused");
            assertThatThrownBy(options::client).hasMessageStartingWith("nothing answers at " + options.api
                    + " (connection refused): is `cutover server` running, and is this its API (--api, CUTOVER_API)?");
        } finally {
            if (previous == null) {
                System.clearProperty("CUTOVER_HOME");
            } else {
                System.setProperty("CUTOVER_HOME", previous);
            }
        }
    }
}
