package herald.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import herald.app.Herald;
import herald.event.Event;
import herald.event.EventParser;
import herald.json.Json;
import herald.problem.FieldErrors;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The events of one case: the rows Herald stores (for the raw side) and their JSON text (Herald's
 * request bodies). Unit {@code u} is events {@code [u*perUnit, (u+1)*perUnit)}.
 */
record IngestWorkload(int perUnit, List<IngestBenchmark.Row> rows) {
    private static final String[][] TYPES = {
        // eventname, component, action, target, objecttable, crud, edulevel, contextlevel
        {"\\core\\event\\course_viewed", "core", "viewed", "course", null, "r", "2", "50"},
        {"\\mod_page\\event\\course_module_viewed", "mod_page", "viewed", "course_module", "page", "r", "2", "70"},
        {"\\core\\event\\user_loggedin", "core", "loggedin", "user", "user", "r", "0", "10"},
        {"\\mod_assign\\event\\submission_created", "mod_assign", "created", "submission", "assign_submission", "c", "2", "70"},
        {"\\core\\event\\user_enrolment_created", "core", "created", "user_enrolment", "user_enrolments", "c", "0", "50"},
        {"\\mod_quiz\\event\\attempt_submitted", "mod_quiz", "submitted", "attempt", "quiz_attempts", "u", "2", "70"},
    };

    int units() {
        return rows.size() / perUnit;
    }

    /** Herald's request body for one unit: one event object, or an array of perUnit events. */
    String requestBody(int unit) {
        if (perUnit == 1) return rows.get(unit).body();
        StringBuilder b = new StringBuilder(perUnit * 600).append('[');
        for (int k = unit * perUnit; k < (unit + 1) * perUnit; k++) {
            if (k > unit * perUnit) b.append(',');
            b.append(rows.get(k).body());
        }
        return b.append(']').toString();
    }

    static IngestWorkload make(String tag, int events, int perUnit) {
        long t0 = System.nanoTime();
        List<IngestBenchmark.Row> rows = java.util.stream.IntStream.range(0, events).parallel().mapToObj(i -> row(tag, i)).toList();
        System.out.printf(Locale.ROOT, "   built %,d events in %.1f s%n", events, (System.nanoTime() - t0) / 1e9);
        return new IngestWorkload(perUnit, rows);
    }

    private static IngestBenchmark.Row row(String tag, int i) {
        Random rnd = new Random(i * 0x9E3779B97F4A7C15L);
        String[] t = TYPES[rnd.nextInt(10) < 5 ? 0 : rnd.nextInt(TYPES.length)];
        int course = 1 + rnd.nextInt(300);
        int user = 2 + rnd.nextInt(20_000);
        long timecreated = 1_512_961_456L + i;
        String id = "bench-" + tag + "-" + i;
        ObjectNode n = Json.object();
        n.put("id", id);
        n.put("eventname", t[0]);
        n.put("component", t[1]);
        n.put("action", t[2]);
        n.put("target", t[3]);
        if (t[4] == null) {
            n.putNull("objecttable");
            n.putNull("objectid");
        } else {
            n.put("objecttable", t[4]);
            n.put("objectid", 1 + rnd.nextInt(1_000_000));
        }
        n.put("crud", t[5]);
        n.put("edulevel", Integer.parseInt(t[6]));
        n.put("contextid", 2 + rnd.nextInt(100_000));
        n.put("contextlevel", Integer.parseInt(t[7]));
        n.put("contextinstanceid", Integer.toString(t[7].equals("50") ? course : 1 + rnd.nextInt(50_000)));
        n.put("userid", Integer.toString(user));
        n.put("courseid", Integer.toString(course));
        n.putNull("relateduserid");
        n.put("anonymous", 0);
        n.putNull("other");
        n.put("timecreated", timecreated);
        String text = Json.write(n);
        IngestBenchmark.Row row = new IngestBenchmark.Row(id, t[0], null, Integer.toString(course), Integer.toString(user), timecreated * 1000, text);
        if (i % 100 == 0) {
            // Every 100th event goes through Herald's own parser: the raw side must store exactly what Herald
            // stores (same column values, same body text), so the request text doubles as the stored body.
            FieldErrors errors = new FieldErrors();
            Event e = EventParser.parse(Json.read(text), "", errors, null);
            errors.throwIfAny();
            IngestBenchmark.Row parsed = new IngestBenchmark.Row(e.id(), e.type(), e.source(), e.courseId(), e.userId(), e.occurredAtMillis(),
                    Json.write(e.body()));
            if (!parsed.equals(row)) throw new IllegalStateException("workload row differs from Herald's: " + parsed + " vs " + row);
        }
        return row;
    }
}
