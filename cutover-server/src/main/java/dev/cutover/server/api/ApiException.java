package dev.cutover.server.api;

import dev.cutover.model.api.ApiError;

/** A request that cannot be served, with the status and body the client gets. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final ApiError body;

    public ApiException(int status, ApiError body) {
        super(body.error());
        this.status = status;
        this.body = body;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, new ApiError(message, field, null));
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, ApiError.of(message));
    }

    public static ApiException conflict(String message, Long deployment) {
        return new ApiException(409, new ApiError(message, null, deployment));
    }

    public int status() {
        return status;
    }

    public ApiError body() {
        return body;
    }
}
