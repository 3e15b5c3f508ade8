package dev.cutover.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatchedPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "/, /",
            "/api/users, /api/users",
            "/api/, /api/",
            "*, *",
            "/x/../api/y, /api/y",
            "//api/z, /api/z",
            "/api//z, /api/z",
            "/api/../x, /x",
            "/api/.., /",
            "/.., /",
            "/../../api, /api",
            "/a/./b, /a/b",
            "/a/., /a/",
            "/api//, /api/",
            "/%61pi/x, /api/x",
            "/%2e%2e/api, /api",
            "/a/%2E%2E/api, /api",
            "/api%2Fx, /api%2Fx",
            "/caf%C3%A9, /caf%C3%A9",
            "/100%, /100%",
            "/%zz/api, /%zz/api",
    })
    void spellingsATargetReadsAsOnePathMatchAsIt(String sent, String matched) {
        assertThat(MatchedPath.of(sent)).isEqualTo(matched);
    }
}
