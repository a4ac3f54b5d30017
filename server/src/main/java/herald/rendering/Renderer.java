package herald.rendering;

import herald.subscription.Service;
import herald.subscription.Subscription;
import java.nio.charset.StandardCharsets;

/** Turns a stored event into the request one subscription's receiver expects. */
public final class Renderer {

    /** @param eventBody the stored event document (JSON) */
    public Rendered render(String eventBody, Service svc, Subscription sub) throws RenderException {
        String method = sub.method() != null ? sub.method() : svc.method();
        String url = svc.url() + sub.path();
        byte[] body = method.equals("GET") ? new byte[0] : eventBody.getBytes(StandardCharsets.UTF_8);
        return new Rendered(method, url, "application/json", body);
    }
}
