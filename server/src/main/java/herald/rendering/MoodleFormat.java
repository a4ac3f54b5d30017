package herald.rendering;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code moodle}: what the Moodle local_webhooks plugin posts: the Moodle fields in order, then
 * {@code host} (the site's host name), {@code token} and {@code extra} (the service's), written as
 * PHP's json_encode writes them.
 */
final class MoodleFormat implements Format {
    @Override
    public String name() {
        return "moodle";
    }

    @Override
    public Payload render(Input in) {
        ObjectNode o = in.event().moodleFields();
        o.put("host", in.siteHost());
        o.put("token", in.service().token() == null ? "" : in.service().token());
        o.put("extra", in.service().extra() == null ? "" : in.service().extra());
        return Payload.phpJson(o);
    }
}
