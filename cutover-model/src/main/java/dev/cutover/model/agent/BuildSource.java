package dev.cutover.model.agent;

import java.io.IOException;
import java.io.InputStream;

/** Where an agent fetches builds from: the controller's blob store, locally or over HTTP. */
public interface BuildSource {
    /** Opens the bundle with this sha256; the caller verifies the digest while reading. */
    InputStream open(String sha256) throws IOException;
}
