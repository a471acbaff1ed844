# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_vq_hook_global_optspecs
    string join \n color= q/quiet v/verbose h/help V/version
end

function __fish_vq_hook_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_vq_hook_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_vq_hook_using_subcommand
    set -l cmd (__fish_vq_hook_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c vq-hook -n "__fish_vq_hook_needs_command" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_needs_command" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -s V -l version -d 'Print version'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "events" -d 'List the event types VisualQ sends'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "sample" -d 'Print the documented sample payload of an event'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "sign" -d 'Print the signature header value for a body'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "send" -d 'Deliver a signed event to an endpoint, with VisualQ\'s retry policy'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "verify" -d 'Check whether a captured request\'s signature is authentic'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "listen" -d 'Receive deliveries on a local port, verify and show them'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "replay" -d 'Re-send a request saved by `listen --save`'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "check" -d 'Audit an endpoint the way VisualQ will treat it (for CI)'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "demo" -d 'A self-contained tour: a local listener audited by `check`'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c vq-hook -n "__fish_vq_hook_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand events" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand events" -l json -d 'Print a JSON array instead of a table'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand events" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand events" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand events" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l project-id -d 'Set `projectId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l project-name -d 'Set `projectName`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l project-slug -d 'Set `projectSlug`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l run-id -d 'Set `runId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l run-type -d 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l set -d 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l unset -d 'Remove a field (dotted path)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l payload -d 'Use this JSON file (or - for stdin) instead of the sample' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l all -d 'Print every event\'s sample (JSON Lines with --compact)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -l compact -d 'One line, no spaces, as it is sent'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sample" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -l secret -d 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -l secret-file -d 'Read the secret from a file (one trailing newline is dropped)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand sign" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l project-id -d 'Set `projectId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l project-name -d 'Set `projectName`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l project-slug -d 'Set `projectSlug`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l run-id -d 'Set `runId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l run-type -d 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l set -d 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l unset -d 'Remove a field (dotted path)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l payload -d 'Use this JSON file (or - for stdin) instead of the sample' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l secret -d 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l secret-file -d 'Read the secret from a file (one trailing newline is dropped)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l url -d 'The endpoint (http:// or https://)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l timeout -d 'Give up on an attempt after this long' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system\'s' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l retry-delay -d 'Wait this long before the retry (a Retry-After header wins)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -s H -l header -d 'Add a header, \'Name: value\' (repeatable)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l signature -d 'Send this signature header value instead of the real one' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l delivery-id -d 'Use this delivery id instead of a fresh UUID' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l repeat -d 'Fire this many deliveries (load mode)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l concurrency -d 'With --repeat: at most this many in flight' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l all -d 'Send every event type, one after another'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -s k -l insecure -d 'Skip TLS certificate verification (testing only)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l json -d 'Print JSON instead of the human report'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l no-retry -d 'Make one attempt only'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l unsigned -d 'Send no signature header'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l dry-run -d 'Print the exact HTTP request and send nothing'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l curl -d 'Print an equivalent curl command and send nothing'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -l fresh-run-id -d 'With --repeat: give every delivery a fresh runId'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand send" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -l signature -d 'Check this signature value against the input taken as a bare body' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -l secret -d 'A shared secret; repeat for rotation (valid when any matches) [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -l secret-file -d 'Read a secret from a file (repeatable; combines with --secret for rotation)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -l json -d 'Print a JSON object instead of the human report'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand verify" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l host -d 'Address to bind (loopback unless told otherwise)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l port -d 'Port to bind; 0 picks a free one' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l secret -d 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l secret-file -d 'Read the secret from a file (one trailing newline is dropped)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l status -d 'Answer with these status codes in turn, e.g. 503,200' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l delay -d 'Wait this long before answering' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l save -d 'Save every request, byte-exact, as a raw HTTP file in DIR' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l forward-to -d 'Relay each request to this local app and answer with its response' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l max-body -d 'Answer 413 to larger bodies' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -l json -d 'One JSON object per request on stdout'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand listen" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l secret -d 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l secret-file -d 'Read the secret from a file (one trailing newline is dropped)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l url -d 'The endpoint (http:// or https://)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l timeout -d 'Give up on an attempt after this long' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system\'s' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l retry-delay -d 'Wait this long before the retry (a Retry-After header wins)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -s H -l header -d 'Add a header, \'Name: value\' (repeatable)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -s k -l insecure -d 'Skip TLS certificate verification (testing only)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l json -d 'Print JSON instead of the human report'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -l no-retry -d 'Make one attempt only'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand replay" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l secret -d 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l secret-file -d 'Read the secret from a file (one trailing newline is dropped)' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l url -d 'The endpoint (http:// or https://)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l timeout -d 'Give up on an attempt after this long' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l cacert -d 'Trust this CA certificate (PEM) in addition to the system\'s' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l project-id -d 'Set `projectId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l project-name -d 'Set `projectName`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l project-slug -d 'Set `projectSlug`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l run-id -d 'Set `runId`' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l run-type -d 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l set -d 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l unset -d 'Remove a field (dotted path)' -r
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l report -d 'Write a JUnit XML report to FILE' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l payload -d 'Use this JSON file (or - for stdin) instead of the sample' -r -F
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -s k -l insecure -d 'Skip TLS certificate verification (testing only)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -l json -d 'Print JSON instead of the human report'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand check" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand demo" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand demo" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand demo" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand demo" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand completions" -l color -d 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c vq-hook -n "__fish_vq_hook_using_subcommand completions" -s q -l quiet -d 'Print only the verdict (and errors)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand completions" -s v -l verbose -d 'Show more of each exchange (response headers, request details)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand completions" -s h -l help -d 'Print help'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "events" -d 'List the event types VisualQ sends'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "sample" -d 'Print the documented sample payload of an event'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "sign" -d 'Print the signature header value for a body'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "send" -d 'Deliver a signed event to an endpoint, with VisualQ\'s retry policy'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "verify" -d 'Check whether a captured request\'s signature is authentic'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "listen" -d 'Receive deliveries on a local port, verify and show them'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "replay" -d 'Re-send a request saved by `listen --save`'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "check" -d 'Audit an endpoint the way VisualQ will treat it (for CI)'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "demo" -d 'A self-contained tour: a local listener audited by `check`'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "completions" -d 'Print a shell completion script'
complete -c vq-hook -n "__fish_vq_hook_using_subcommand help; and not __fish_seen_subcommand_from events sample sign send verify listen replay check demo completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
