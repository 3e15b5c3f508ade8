package dev.cutover.model.api;

/**
 * Every API failure's body.
 *
 * @param error what went wrong and what to do next
 * @param field the request field at fault, when there is one
 * @param deployment the deployment concerned, e.g. the one in progress that blocked a new one
 */
public record ApiError(String error, String field, Long deployment) {
    public static ApiError of(String error) {
        return new ApiError(error, null, null);
    }
}
