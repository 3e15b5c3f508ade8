package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
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
}
