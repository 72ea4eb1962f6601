/* agent_cmd: `hopdoc agent --listen ADDR:PORT [options]`: reads the options
 * and the TLS and token files, then serves (agent/agent.h) until SIGINT or
 * SIGTERM. Prints its one-line errors; exit 0, 1 runtime, 2 usage.
 * Tests: tests/lab/t_agent.sh. */
#ifndef HOPDOC_AGENT_CMD_H
#define HOPDOC_AGENT_CMD_H

/* argv[0] is "agent". Returns the exit status. */
int agent_cmd_main(int argc, char **argv);

#endif
