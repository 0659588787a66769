#!/bin/sh
# Installs heartbeat-agent as a systemd service: the jar, the unit, a configuration and an example
# checklist, in the standard places. Idempotent: running it again upgrades the jar and the unit and
# never overwrites your configuration, checklist or key.
#
#   sudo systemd/install.sh            (after: mvn -B -q package -DskipTests)
#   DESTDIR=/tmp/stage systemd/install.sh   stages the files under /tmp/stage instead
#   ARCHIVE=0 ...                       skips the class-data sharing archive (made when java is here)
#   JAVA=/usr/lib/jvm/NAME/bin/java ... the JVM the service and the command line run (default: java on the PATH)
#
# Run it again after upgrading the JDK: the archive belongs to one JVM build and one jar.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
dest=${DESTDIR:-}
jar=${JAR:-$repo/target/heartbeat-agent.jar}

if [ ! -f "$jar" ]; then
    echo "error: $jar is missing; build it first: mvn -B -q package -DskipTests" >&2
    exit 1
fi
if [ -z "$dest" ] && [ "$(id -u)" != 0 ]; then
    echo "error: installing into / needs root; run it with sudo (or set DESTDIR to stage the files)" >&2
    exit 1
fi

# One JVM for all of it: the unit and the command line run the java whose flags are checked here and that makes
# the archive. Another (an older /usr/bin/java behind a newer one first on the PATH) could refuse a flag this one
# knows and the service would not start, or ignore this one's archive.
java=${JAVA:-$(command -v java || true)}
if [ -n "${JAVA:-}" ] && [ ! -x "$JAVA" ]; then
    echo "error: JAVA=$JAVA is not an executable java" >&2
    exit 1
fi
case $java in
    '' | /*) ;;
    *) java=$(cd "$(dirname "$java")" && pwd)/$(basename "$java") ;; # the unit runs from /, not from here
esac
case $java in
    *[[:space:]]*)
        echo "error: the java at '$java' has a space in its path, which the unit's ExecStart cannot name as it is;" \
            "give a path without one (a symbolic link) in JAVA=" >&2
        exit 1 ;;
esac

lib=$dest/usr/lib/heartbeat-agent
etc=$dest/etc/heartbeat-agent
units=$dest/etc/systemd/system
doc=$dest/usr/share/doc/heartbeat-agent

install -d -m 0755 "$lib" "$units" "$doc" "$etc"
# Absolute from here on: the archive below records the jar's path as the JVM was given it, and a relative one
# (DESTDIR=stage) would not match the same jar named from anywhere else.
lib=$(cd "$lib" && pwd)
install -m 0644 "$jar" "$lib/heartbeat-agent.jar"
install -m 0644 "$here/heartbeat-agent.service" "$units/heartbeat-agent.service"
if [ -n "$java" ] && [ "$java" != /usr/bin/java ]; then
    escaped=$(printf '%s' "$java" | sed 's/[&|\\]/\\&/g')
    sed -i "s|^ExecStart=/usr/bin/java |ExecStart=$escaped |" "$units/heartbeat-agent.service"
    echo "note     the service runs $java"
fi
# A JVM refuses to start on a flag it does not know: the unit's periodic trim of the C heap (JDK 17.0.11 and later)
# is left out of the unit installed for an older one.
if [ -n "$java" ] && ! "$java" -XX:TrimNativeHeapInterval=30000 -version >/dev/null 2>&1; then
    sed -i 's/ -XX:TrimNativeHeapInterval=[0-9]*//' "$units/heartbeat-agent.service"
    echo "note     this java has no -XX:TrimNativeHeapInterval (JDK 17.0.11 and later have it): left out of the unit"
fi
install -m 0644 "$repo/README.md" "$doc/README.md"
echo "installed $lib/heartbeat-agent.jar and $units/heartbeat-agent.service"

# A class-data sharing archive of what a quiet beat loads (the common beat), the JDK's classes and ours in one
# file: the unit and the command line start from it (-XX:SharedArchiveFile). Made in two steps: a throwaway
# agent's --once lists the classes it loads (-XX:DumpLoadedClassList), then -Xshare:dump writes them into a
# static archive. Static, not -XX:ArchiveClassesAtExit: that one leaves out classes compiled for Java 5
# (picocli, which every command loads). The model is a stand-in on a loopback port (TrainingProvider.java,
# run from source, so a JDK is needed) answering HEARTBEAT_OK; without a JDK the beat's model is unreachable
# and the archive holds a failed beat instead. The archive holds the jar's path and time, so it is made where
# the jar now lies: staged with DESTDIR, it serves only a JVM that runs the staged jar. A JVM whose archive
# does not match (another JDK, another jar) starts without class-data sharing: slower, nothing else.
archive=$lib/heartbeat-agent.jsa
if [ "${ARCHIVE:-1}" != 0 ] && [ -n "$java" ]; then
    train=$(mktemp -d)
    provider=
    trap 'if [ -n "$provider" ]; then kill "$provider" 2>/dev/null || true; fi; rm -rf "$train"' EXIT
    mkdir -p "$train/workspace"
    printf -- '- Report anything unusual.\n' > "$train/workspace/HEARTBEAT.md"
    base_url="http://127.0.0.1:9/v1"
    "$java" -XX:TieredStopAtLevel=1 "$here/TrainingProvider.java" "$train/port" >"$train/provider.log" 2>&1 &
    provider=$!
    for _ in $(seq 1 150); do
        [ -s "$train/port" ] && break
        kill -0 "$provider" 2>/dev/null || break
        sleep 0.2
    done
    if [ -s "$train/port" ]; then
        base_url="http://127.0.0.1:$(cat "$train/port")/v1"
        beat="a quiet beat"
    else
        beat="a failed beat (the stand-in provider did not start: it needs a JDK)"
    fi
    cat > "$train/agent.yaml" <<TRAIN
agent: { name: archive, workspace: ./workspace }
model: { provider: openai, name: archive, base-url: "$base_url", api-key: archive-training, max-retries: 0, timeout: 5s }
storage: { url: "sqlite:state/heartbeat.db" }
notify: { channels: [ { type: log } ] }
TRAIN
    rm -f "$archive"
    # Twice: the first run creates the store (Flyway), the second is an ordinary beat, whose classes are listed.
    "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$lib/heartbeat-agent.jar" --config "$train/agent.yaml" \
        --once >/dev/null 2>&1 || true
    # At INFO, as the daemon logs: a --once logs nothing at its WARN, so its console logging would not be listed.
    "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:DumpLoadedClassList="$train/classes" -Dhb.log.level=INFO \
        -jar "$lib/heartbeat-agent.jar" --config "$train/agent.yaml" --once >/dev/null 2>&1 || true
    kill "$provider" 2>/dev/null || true
    provider=
    if [ -s "$train/classes" ]; then
        # A later JDK (25 here; not 17) also lists constant-pool entries to resolve ahead (@cp lines). Resolving them
        # links the class as the archive is made, and a linked class compiled for Java 5 is left out of it: all of
        # picocli, which every command loads. Its entries are dropped, so picocli's classes are archived unlinked.
        grep -v '^@cp picocli/' "$train/classes" > "$train/classes.archived" || true
        mv "$train/classes.archived" "$train/classes"
        "$java" -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$train/classes" \
            -XX:SharedArchiveFile="$archive" -Xlog:cds=off -jar "$lib/heartbeat-agent.jar" >"$train/dump.log" 2>&1 \
            || rm -f "$archive"
    fi
    if [ -s "$archive" ]; then
        chmod 0644 "$archive"
        echo "created  $archive (class-data sharing archive of $beat: a faster start)"
    else
        echo "note     no class-data sharing archive was made (this JVM cannot); the service starts without it"
        [ -s "$train/dump.log" ] && sed 's/^/         /' "$train/dump.log" | tail -n 5
    fi
    rm -rf "$train"
    trap - EXIT
fi

# The command line for operators: the service's JVM flags (serial GC, a heap that starts small and grows only as
# a command needs, C1 only, the archive above) for --once, status, decisions and the rest. With the JVM's
# defaults a long 'decisions verify' let its heap grow to hundreds of MB before collecting.
bin=$dest/usr/bin
install -d -m 0755 "$bin"
cat > "$bin/heartbeat-agent" <<LAUNCHER
#!/bin/sh
# heartbeat-agent's command line, installed by systemd/install.sh. HEARTBEAT_AGENT_JAVA_OPTS adds JVM flags
# (a later flag wins, such as -Xmx2g for an import of a very long transcript).
# Without the archive (not made, or removed) the JVM starts from its own.
share=
[ -r $archive ] && share="-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
exec ${java:-java} -XX:+UseSerialGC -Xms8m -XX:TieredStopAtLevel=1 -Xss512k \$share \${HEARTBEAT_AGENT_JAVA_OPTS:-} \\
    -jar $lib/heartbeat-agent.jar "\$@"
LAUNCHER
chmod 0755 "$bin/heartbeat-agent"
echo "installed $bin/heartbeat-agent (the command line)"

if [ -e "$etc/agent.yaml" ]; then
    echo "kept     $etc/agent.yaml (yours)"
else
    # The repository's agent.yaml with the paths a service uses: state in /var/lib, logs in /var/log,
    # the checklist in /etc, the key from the systemd credential.
    sed -e 's|^  workspace: .*|  workspace: /var/lib/heartbeat-agent/workspace   # the agent'"'"'s files (the state directory)|' \
        -e 's|^  api-key: .*|  # api-key: read from the systemd credential openai-api-key (/etc/heartbeat-agent/openai-api-key)|' \
        -e 's|^  checklist: .*|  checklist: /etc/heartbeat-agent/HEARTBEAT.md   # yours to edit; read-only for the service|' \
        -e 's|^  url: sqlite:.*|  url: sqlite:/var/lib/heartbeat-agent/heartbeat.db|' \
        -e 's|path: sessions/notifications.jsonl|path: /var/log/heartbeat-agent/notifications.jsonl|' \
        "$repo/agent.yaml" > "$etc/agent.yaml"
    chmod 0644 "$etc/agent.yaml"
    echo "created  $etc/agent.yaml"
fi

if [ -e "$etc/HEARTBEAT.md" ]; then
    echo "kept     $etc/HEARTBEAT.md (yours)"
else
    install -m 0644 "$repo/sessions/workspace/HEARTBEAT.md" "$etc/HEARTBEAT.md"
    echo "created  $etc/HEARTBEAT.md (an example checklist)"
fi

if [ -e "$etc/openai-api-key" ]; then
    echo "kept     $etc/openai-api-key"
else
    (umask 077 && : > "$etc/openai-api-key")
    echo "created  $etc/openai-api-key (empty, mode 0600)"
fi

if [ -z "$dest" ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
fi

cat <<NEXT

Next:
  1. Choose the model in $etc/agent.yaml (model.provider, model.name; see the README for
     Anthropic, Ollama and OpenAI-compatible servers; for Anthropic rename the credential in
     the unit's LoadCredential= line and the file to anthropic-api-key).
  2. Put the API key in $etc/openai-api-key (one line; it stays root-only, the service gets it
     as a systemd credential).
  3. Write the agent's checklist in $etc/HEARTBEAT.md.
  4. Check the configuration:
       CREDENTIALS_DIRECTORY=$etc heartbeat-agent --config $etc/agent.yaml config check
  5. Start it and watch it:
       systemctl enable --now heartbeat-agent
       journalctl -u heartbeat-agent -f
NEXT
