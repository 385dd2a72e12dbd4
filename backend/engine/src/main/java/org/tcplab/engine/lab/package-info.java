/**
 * The seam between a lab and whatever runs it: {@link org.tcplab.engine.lab.LabWorld} (implemented by
 * the simulation and by the labs facing the Linux kernel in {@code backend/tap}), the commands a lab
 * accepts as values ({@link org.tcplab.engine.lab.LabCommand}), what a world can do ({@link
 * org.tcplab.engine.lab.LabCapabilities}) and scripts of scheduled commands (scenarios, {@link
 * org.tcplab.engine.lab.Scripts}).
 */
package org.tcplab.engine.lab;
