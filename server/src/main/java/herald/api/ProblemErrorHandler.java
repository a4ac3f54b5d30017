package herald.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself, before any route sees the request (a malformed request line,
 * headers too large, a URI too long, an unsupported HTTP version), as RFC 9457 problem JSON like
 * every other error of the API, instead of Jetty's HTML page.
 */
final class ProblemErrorHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Responses.PROBLEM_JSON);
        fields.put(HttpHeader.CONNECTION, "close"); // Jetty closes after a bad message: say so, so clients do not reuse it
        return ByteBuffer.wrap(Responses.problemBody(status, HttpStatus.getMessage(status), detail(status, reason), null));
    }

    /** Jetty writes error bodies for GET, POST and HEAD only; an API answers PUT, PATCH and DELETE alike. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        // A message Jetty could not read is answered as a request to "/badMessage", a path of its own.
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        byte[] body = Responses.problemBody(code, HttpStatus.getMessage(code), detail(code, message),
                "/badMessage".equals(path) ? null : path);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.PROBLEM_JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        // Jetty answers these itself and may close the connection after: say so, so clients do not reuse it.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** What the client should change; Jetty's own reason is kept only where it says more than the status. */
    private static String detail(int status, String reason) {
        String what = switch (status) {
            case 400 -> "the request is malformed";
            case 414 -> "the URI is too long";
            case 431 -> "the request's headers are too large";
            case 505 -> "use HTTP/1.1 or HTTP/2";
            default -> HttpStatus.getMessage(status);
        };
        return reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status)) ? what
                : what + " (" + (reason.length() > 200 ? reason.substring(0, 200) : reason) + ")";
    }
}
