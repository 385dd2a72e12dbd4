/** Virtual time: the discrete-event {@link org.tcplab.engine.time.Scheduler} the simulation runs on. */
package org.tcplab.engine.time;
