package org.tcplab.engine.event;

/** An event with its place in the lab's log: ids are 1, 2, 3, ... with no gaps. */
public record LoggedEvent(long id, LabEvent event) {}
