/**
 * Class mode ("predict the next segment"): while a lab's quiz is on, each segment our stack emits
 * is held before it is logged or reaches the link, a question opens about it, and the lab's time
 * stands until the teacher reveals it ({@link org.tcplab.engine.lab.LabCommand.Reveal}). The
 * engine knows only the held segments and the question numbers; students and their answers are
 * the server's.
 */
package org.tcplab.engine.quiz;
