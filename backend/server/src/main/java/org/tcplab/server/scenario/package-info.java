/**
 * Scenarios: scripted, narrated experiments written as YAML files ({@code resources/scenarios/},
 * format in its README.md) and run by one interpreter on the lab's simulation.
 *
 * <p>{@link org.tcplab.server.scenario.ScenarioCatalog} loads and checks the files at startup;
 * {@link org.tcplab.server.scenario.ScenarioRunner} validates a run's parameters and compiles the steps
 * into {@code Simulation.schedule} actions (it never moves the clock); a
 * {@link org.tcplab.server.scenario.ScenarioRun} judges the lab's log against what the RFC expects
 * ({@link org.tcplab.server.scenario.ScenarioVerdict}).
 */
package org.tcplab.server.scenario;
