/**
 * Lab time: the discrete-event {@link org.tcplab.engine.time.Scheduler} and the {@link
 * org.tcplab.engine.time.LabClock} it runs on (a {@link org.tcplab.engine.time.VirtualClock} in the
 * simulation, a clock following real time in labs that face the Linux kernel).
 */
package org.tcplab.engine.time;
