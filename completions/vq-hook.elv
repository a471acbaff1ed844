
use builtin;
use str;

set edit:completion:arg-completer[vq-hook] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'vq-hook'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'vq-hook'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand events 'List the event types VisualQ sends'
            cand sample 'Print the documented sample payload of an event'
            cand sign 'Print the signature header value for a body'
            cand send 'Deliver a signed event to an endpoint, with VisualQ''s retry policy'
            cand verify 'Check whether a captured request''s signature is authentic'
            cand listen 'Receive deliveries on a local port, verify and show them'
            cand replay 'Re-send a request saved by `listen --save`'
            cand check 'Audit an endpoint the way VisualQ will treat it (for CI)'
            cand demo 'A self-contained tour: a local listener audited by `check`'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vq-hook;events'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print a JSON array instead of a table'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;sample'= {
            cand --project-id 'Set `projectId`'
            cand --project-name 'Set `projectName`'
            cand --project-slug 'Set `projectSlug`'
            cand --run-id 'Set `runId`'
            cand --run-type 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)'
            cand --set 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string'
            cand --unset 'Remove a field (dotted path)'
            cand --payload 'Use this JSON file (or - for stdin) instead of the sample'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --all 'Print every event''s sample (JSON Lines with --compact)'
            cand --compact 'One line, no spaces, as it is sent'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;sign'= {
            cand --secret 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read the secret from a file (one trailing newline is dropped)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;send'= {
            cand --project-id 'Set `projectId`'
            cand --project-name 'Set `projectName`'
            cand --project-slug 'Set `projectSlug`'
            cand --run-id 'Set `runId`'
            cand --run-type 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)'
            cand --set 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string'
            cand --unset 'Remove a field (dotted path)'
            cand --payload 'Use this JSON file (or - for stdin) instead of the sample'
            cand --secret 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read the secret from a file (one trailing newline is dropped)'
            cand --url 'The endpoint (http:// or https://)'
            cand --timeout 'Give up on an attempt after this long'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system''s'
            cand --retry-delay 'Wait this long before the retry (a Retry-After header wins)'
            cand -H 'Add a header, ''Name: value'' (repeatable)'
            cand --header 'Add a header, ''Name: value'' (repeatable)'
            cand --signature 'Send this signature header value instead of the real one'
            cand --delivery-id 'Use this delivery id instead of a fresh UUID'
            cand --repeat 'Fire this many deliveries (load mode)'
            cand --concurrency 'With --repeat: at most this many in flight'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --all 'Send every event type, one after another'
            cand -k 'Skip TLS certificate verification (testing only)'
            cand --insecure 'Skip TLS certificate verification (testing only)'
            cand --json 'Print JSON instead of the human report'
            cand --no-retry 'Make one attempt only'
            cand --unsigned 'Send no signature header'
            cand --dry-run 'Print the exact HTTP request and send nothing'
            cand --curl 'Print an equivalent curl command and send nothing'
            cand --fresh-run-id 'With --repeat: give every delivery a fresh runId'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;verify'= {
            cand --signature 'Check this signature value against the input taken as a bare body'
            cand --secret 'A shared secret; repeat for rotation (valid when any matches) [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read a secret from a file (repeatable; combines with --secret for rotation)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'Print a JSON object instead of the human report'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;listen'= {
            cand --host 'Address to bind (loopback unless told otherwise)'
            cand --port 'Port to bind; 0 picks a free one'
            cand --secret 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read the secret from a file (one trailing newline is dropped)'
            cand --status 'Answer with these status codes in turn, e.g. 503,200'
            cand --delay 'Wait this long before answering'
            cand --save 'Save every request, byte-exact, as a raw HTTP file in DIR'
            cand --forward-to 'Relay each request to this local app and answer with its response'
            cand --max-body 'Answer 413 to larger bodies'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand --json 'One JSON object per request on stdout'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;replay'= {
            cand --secret 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read the secret from a file (one trailing newline is dropped)'
            cand --url 'The endpoint (http:// or https://)'
            cand --timeout 'Give up on an attempt after this long'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system''s'
            cand --retry-delay 'Wait this long before the retry (a Retry-After header wins)'
            cand -H 'Add a header, ''Name: value'' (repeatable)'
            cand --header 'Add a header, ''Name: value'' (repeatable)'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -k 'Skip TLS certificate verification (testing only)'
            cand --insecure 'Skip TLS certificate verification (testing only)'
            cand --json 'Print JSON instead of the human report'
            cand --no-retry 'Make one attempt only'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;check'= {
            cand --secret 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]'
            cand --secret-file 'Read the secret from a file (one trailing newline is dropped)'
            cand --url 'The endpoint (http:// or https://)'
            cand --timeout 'Give up on an attempt after this long'
            cand --cacert 'Trust this CA certificate (PEM) in addition to the system''s'
            cand --project-id 'Set `projectId`'
            cand --project-name 'Set `projectName`'
            cand --project-slug 'Set `projectSlug`'
            cand --run-id 'Set `runId`'
            cand --run-type 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)'
            cand --set 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string'
            cand --unset 'Remove a field (dotted path)'
            cand --report 'Write a JUnit XML report to FILE'
            cand --payload 'Use this JSON file (or - for stdin) instead of the sample'
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -k 'Skip TLS certificate verification (testing only)'
            cand --insecure 'Skip TLS certificate verification (testing only)'
            cand --json 'Print JSON instead of the human report'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;demo'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;completions'= {
            cand --color 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never'
            cand -q 'Print only the verdict (and errors)'
            cand --quiet 'Print only the verdict (and errors)'
            cand -v 'Show more of each exchange (response headers, request details)'
            cand --verbose 'Show more of each exchange (response headers, request details)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'vq-hook;help'= {
            cand events 'List the event types VisualQ sends'
            cand sample 'Print the documented sample payload of an event'
            cand sign 'Print the signature header value for a body'
            cand send 'Deliver a signed event to an endpoint, with VisualQ''s retry policy'
            cand verify 'Check whether a captured request''s signature is authentic'
            cand listen 'Receive deliveries on a local port, verify and show them'
            cand replay 'Re-send a request saved by `listen --save`'
            cand check 'Audit an endpoint the way VisualQ will treat it (for CI)'
            cand demo 'A self-contained tour: a local listener audited by `check`'
            cand completions 'Print a shell completion script'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'vq-hook;help;events'= {
        }
        &'vq-hook;help;sample'= {
        }
        &'vq-hook;help;sign'= {
        }
        &'vq-hook;help;send'= {
        }
        &'vq-hook;help;verify'= {
        }
        &'vq-hook;help;listen'= {
        }
        &'vq-hook;help;replay'= {
        }
        &'vq-hook;help;check'= {
        }
        &'vq-hook;help;demo'= {
        }
        &'vq-hook;help;completions'= {
        }
        &'vq-hook;help;help'= {
        }
    ]
    $completions[$command]
}
