package io.citus.warp.preflight;

/** One preflight result: where (source, target, connect), what was checked, how bad, and what to do. */
public record Finding(String area, String check, Level level, String detail) {
    public enum Level { OK, WARN, BLOCKER }

    public static Finding ok(String area, String check, String detail) {
        return new Finding(area, check, Level.OK, detail);
    }

    public static Finding warn(String area, String check, String detail) {
        return new Finding(area, check, Level.WARN, detail);
    }

    public static Finding blocker(String area, String check, String detail) {
        return new Finding(area, check, Level.BLOCKER, detail);
    }
}
