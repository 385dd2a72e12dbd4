/**
 * Class mode over HTTP: the teacher turns the quiz on, students predict the held segment, the
 * teacher reveals it, and the class's summary. The engine holds the segments and numbers the
 * questions ({@code LabCommand.SetQuiz}, {@code LabCommand.Reveal}); this package keeps the
 * students' answers (a {@link org.tcplab.server.quiz.QuizBoard} per lab, gone with the lab) and
 * grades them ({@link org.tcplab.server.quiz.Grading}).
 */
package org.tcplab.server.quiz;
