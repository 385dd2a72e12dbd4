package org.tcplab.server.lab;

import org.tcplab.engine.event.LabEvent;

/**
 * About how much heap one logged event holds, for {@code tcplab.max-bytes-per-lab}: a fixed part for
 * the log's slot, the record and its fields, plus what grows with the event (a segment's bytes, a
 * note's text). An estimate, close enough to bound a lab by what it really keeps.
 */
final class EventSize {

    /** Log slot, LoggedEvent, the record and its small fields (measured on 64-bit with compressed oops). */
    static final int FIXED = 96;

    private EventSize() {}

    static long of(LabEvent e) {
        if (e instanceof LabEvent.SegmentSent s) return FIXED + 16 + s.packet().length;
        if (e instanceof LabEvent.Note n) return FIXED + text(n.text(), 1);
        // Chinese text takes two bytes a character; the rest is (mostly) Latin-1, one.
        if (e instanceof LabEvent.Narration n) return FIXED + text(n.en(), 1) + text(n.zh(), 2) + text(n.step(), 1);
        if (e instanceof LabEvent.ErrorRaised r) return FIXED + text(r.detail(), 1);
        if (e instanceof LabEvent.SegmentDropped d) return FIXED + text(d.reason(), 1);
        return FIXED;
    }

    private static long text(String s, int bytesPerChar) {
        // A String's header and array header take about 40 bytes.
        return s == null ? 0 : 40 + (long) bytesPerChar * s.length();
    }
}
