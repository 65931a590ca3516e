const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell, so that the remote shell reads back exactly that word. */
export function shellQuote(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The script that runs `command` remotely. It prints the shell's pid first, then `exec`s the command,
 * which so keeps that pid: the pid in the identifier is the command's own. Because sshd starts each
 * session in a new session and process group, that pid also names the group `kill` signals.
 */
export function runScript(
  command: readonly string[],
  exports: Readonly<Record<string, string>>,
  unsets: readonly string[],
): string {
  const lines = ["echo $$"];
  for (const name of unsets) lines.push(`unset ${name}`);
  for (const [name, value] of Object.entries(exports)) lines.push(`export ${name}=${shellQuote(value)}`);
  lines.push(`exec ${command.map(shellQuote).join(" ")}`);
  return lines.join("\n");
}

/** Exit statuses of {@link killScript}. */
export const KILL_STATUS = {
  stopped: 0,
  notFound: 10,
  forced: 11,
  survived: 12,
  notPermitted: 13,
} as const;

/**
 * The script that stops a run: SIGTERM to its process group, then SIGKILL once `graceSeconds` have
 * passed. dash rejects `kill -TERM -- -PID`, so the signals are named the POSIX way (`kill -s TERM`).
 */
export function killScript(pid: number, graceSeconds: number): string {
  return `pid=${pid}
alive() { kill -s 0 -- -$pid 2>/dev/null || kill -s 0 $pid 2>/dev/null; }
signal() { kill -s $1 -- -$pid 2>/dev/null; kill -s $1 $pid 2>/dev/null; }
if ! alive; then
  ps -p $pid >/dev/null 2>&1 && exit ${KILL_STATUS.notPermitted}
  exit ${KILL_STATUS.notFound}
fi
signal TERM
# Whole seconds from date(1), as POSIX sleep may not take fractions; the grace period is then exact to 1s.
end=$(( $(date +%s) + ${Math.ceil(graceSeconds)} ))
while alive; do
  if [ "$(date +%s)" -ge "$end" ]; then
    signal KILL
    end=$(( $(date +%s) + 5 ))
    while alive; do
      [ "$(date +%s)" -ge "$end" ] && exit ${KILL_STATUS.survived}
      sleep 0.2 2>/dev/null || sleep 1
    done
    exit ${KILL_STATUS.forced}
  fi
  sleep 0.2 2>/dev/null || sleep 1
done
exit ${KILL_STATUS.stopped}`;
}

/**
 * What the client sends as the exec request. The login shell may be anything (bash, zsh, fish), so it
 * only starts /bin/sh on the script, in single quotes that every such shell reads the same way.
 */
export function execRequest(script: string): string {
  return `exec /bin/sh -c ${shellQuote(script)}`;
}
