package herald.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The UI's three static files, read once from the jar: its stylesheet, its script, and htmx (from its WebJar). */
final class StaticFiles {
    private static final String HTMX = "/META-INF/resources/webjars/htmx.org/" + htmxVersion() + "/dist/htmx.min.js";
    private final Map<String, byte[]> files = Map.of(
            "herald.css", read("/web/herald.css"),
            "herald.js", read("/web/herald.js"),
            "htmx.min.js", read(HTMX));

    void register(Pages p) {
        p.get("/admin/static/{file}", Need.NOBODY, ctx -> {
            String name = ctx.pathParam("file");
            byte[] body = files.get(name);
            if (body == null) {
                ctx.status(404).result("");
                return;
            }
            ctx.header("Cache-Control", "public, max-age=3600");
            ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8").result(body);
        });
    }

    private static String htmxVersion() {
        var props = new java.util.Properties();
        try (InputStream in = StaticFiles.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/htmx.org/pom.properties")) {
            if (in == null) throw new IllegalStateException("the htmx WebJar is not on the class path");
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("version");
    }

    private static byte[] read(String resource) {
        try (InputStream in = StaticFiles.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
