package org.tcplab.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** TCP Lab: a web lab that draws TCP conversations run by our own stack. */
@SpringBootApplication
public class TcpLabApplication {

    public static void main(String[] args) {
        SpringApplication.run(TcpLabApplication.class, args);
    }
}
