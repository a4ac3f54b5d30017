package herald.rendering;

/** A template that cannot be compiled; {@code line} and {@code column} (from 1) point at the problem. */
public final class TemplateException extends Exception {
    private final int line;
    private final int column;

    public TemplateException(String message, int line, int column) {
        super(message + " (line " + line + ", column " + column + ")");
        this.line = line;
        this.column = column;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position, for an error entry that carries line and column apart. */
    public String reason() {
        String m = getMessage();
        return m.substring(0, m.lastIndexOf(" (line "));
    }
}
