package herald.config;

/** What this build of Herald is: its version, from the jar's manifest ("dev" when run from classes). */
public final class BuildInfo {
    public static final String VERSION = versionFromJar();

    private BuildInfo() {}

    private static String versionFromJar() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
