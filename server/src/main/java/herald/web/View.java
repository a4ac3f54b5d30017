package herald.web;

/**
 * What every page's frame needs: the page's title and section (the highlighted menu entry), who is
 * signed in and what they may do, the CSRF token that every form sends back, and a message carried
 * over from the previous action.
 */
public record View(String title, String section, String username, String role, String csrf, boolean canOperate,
                   boolean canAdmin, String notice, String alert) {

    public View titled(String newTitle) {
        return new View(newTitle, section, username, role, csrf, canOperate, canAdmin, notice, alert);
    }

    public View withAlert(String message) {
        return new View(title, section, username, role, csrf, canOperate, canAdmin, notice, message);
    }

    public View withNotice(String message) {
        return new View(title, section, username, role, csrf, canOperate, canAdmin, message, alert);
    }

    public boolean signedIn() {
        return username != null;
    }
}
