package io.aiwatch.tool.vllmsim;

/**
 * An error answered as current vLLM (since 0.10.1) and OpenAI answer it:
 * {@code {"error":{"message":...,"type":...,"param":...,"code":N}}} with HTTP status {@code code}.
 *
 * <p>The kinds follow vLLM's handlers: request-model validation (pydantic, FastAPI) gives
 * {@code "Bad Request"}; checks in the serving code give {@code "BadRequestError"} with the
 * offending parameter in {@code param} and vLLM's {@code (parameter=..., value=...)} suffix in the
 * message; an unknown model gives {@code "NotFoundError"}; an unknown route gives the HTTP
 * phrase ({@code "Not Found"}, {@code "Method Not Allowed"}).
 */
final class ApiError extends Exception {
    final int status;
    final String type;
    final String param;

    ApiError(int status, String type, String message, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    /** A check in vLLM's serving code ({@code VLLMValidationError}): 400 BadRequestError with param. */
    static ApiError invalid(String message, String param, Object value) {
        StringBuilder m = new StringBuilder(message);
        if (param != null || value != null) {
            m.append(" (");
            if (param != null) {
                m.append("parameter=").append(param);
            }
            if (value != null) {
                m.append(param != null ? ", " : "").append("value=").append(value);
            }
            m.append(')');
        }
        return new ApiError(400, "BadRequestError", m.toString(), param);
    }

    /** A plain {@code ValueError} from vLLM's serving code: 400 BadRequestError without param. */
    static ApiError valueError(String message) {
        return new ApiError(400, "BadRequestError", message, null);
    }

    /**
     * A request-model validation error as FastAPI reports it through vLLM's handler: type
     * {@code "Bad Request"}, the message the list of pydantic errors in Python's notation.
     */
    static ApiError validation(String pydanticErrors, String param) {
        return new ApiError(400, "Bad Request", pydanticErrors, param);
    }

    /** One pydantic error, {@code [{'type': ..., 'loc': ('body', ...), 'msg': ..., 'input': ...}]}. */
    static ApiError field(String type, String field, String msg, String inputRepr) {
        StringBuilder sb = new StringBuilder("[{'type': '").append(type).append("', 'loc': ('body'");
        if (field != null) {
            sb.append(", '").append(field).append('\'');
        } else {
            sb.append(',');
        }
        sb.append("), 'msg': ").append(PyRepr.str(msg));
        if (inputRepr != null) {
            sb.append(", 'input': ").append(inputRepr);
        }
        sb.append("}]");
        return validation(sb.toString(), null);
    }

    /** A model validator's {@code ValueError} or {@code VLLMValidationError} inside pydantic. */
    static ApiError validator(String message, String param, Object value) {
        String text = invalid(message, param, value).getMessage();
        return validation(
                "[{'type': 'value_error', 'loc': ('body',), 'msg': " + PyRepr.str("Value error, " + text) + "}]",
                param);
    }

    static ApiError notFoundModel(String model) {
        return new ApiError(404, "NotFoundError", "The model `" + model + "` does not exist.", "model");
    }

    /** The JSON body. */
    String json() {
        return OpenAiJson.error(getMessage(), type, param, status);
    }
}
