
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'vq-hook' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'vq-hook'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'vq-hook' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the event types VisualQ sends')
            [CompletionResult]::new('sample', 'sample', [CompletionResultType]::ParameterValue, 'Print the documented sample payload of an event')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature header value for a body')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver a signed event to an endpoint, with VisualQ''s retry policy')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check whether a captured request''s signature is authentic')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive deliveries on a local port, verify and show them')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send a request saved by `listen --save`')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Audit an endpoint the way VisualQ will treat it (for CI)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A self-contained tour: a local listener audited by `check`')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vq-hook;events' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON array instead of a table')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;sample' {
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Set `projectId`')
            [CompletionResult]::new('--project-name', '--project-name', [CompletionResultType]::ParameterName, 'Set `projectName`')
            [CompletionResult]::new('--project-slug', '--project-slug', [CompletionResultType]::ParameterName, 'Set `projectSlug`')
            [CompletionResult]::new('--run-id', '--run-id', [CompletionResultType]::ParameterName, 'Set `runId`')
            [CompletionResult]::new('--run-type', '--run-type', [CompletionResultType]::ParameterName, 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a field (dotted path)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Use this JSON file (or - for stdin) instead of the sample')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Print every event''s sample (JSON Lines with --compact)')
            [CompletionResult]::new('--compact', '--compact', [CompletionResultType]::ParameterName, 'One line, no spaces, as it is sent')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;sign' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (one trailing newline is dropped)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;send' {
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Set `projectId`')
            [CompletionResult]::new('--project-name', '--project-name', [CompletionResultType]::ParameterName, 'Set `projectName`')
            [CompletionResult]::new('--project-slug', '--project-slug', [CompletionResultType]::ParameterName, 'Set `projectSlug`')
            [CompletionResult]::new('--run-id', '--run-id', [CompletionResultType]::ParameterName, 'Set `runId`')
            [CompletionResult]::new('--run-type', '--run-type', [CompletionResultType]::ParameterName, 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a field (dotted path)')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Use this JSON file (or - for stdin) instead of the sample')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (one trailing newline is dropped)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The endpoint (http:// or https://)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an attempt after this long')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system''s')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long before the retry (a Retry-After header wins)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--signature', '--signature', [CompletionResultType]::ParameterName, 'Send this signature header value instead of the real one')
            [CompletionResult]::new('--delivery-id', '--delivery-id', [CompletionResultType]::ParameterName, 'Use this delivery id instead of a fresh UUID')
            [CompletionResult]::new('--repeat', '--repeat', [CompletionResultType]::ParameterName, 'Fire this many deliveries (load mode)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'With --repeat: at most this many in flight')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Send every event type, one after another')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human report')
            [CompletionResult]::new('--no-retry', '--no-retry', [CompletionResultType]::ParameterName, 'Make one attempt only')
            [CompletionResult]::new('--unsigned', '--unsigned', [CompletionResultType]::ParameterName, 'Send no signature header')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the exact HTTP request and send nothing')
            [CompletionResult]::new('--curl', '--curl', [CompletionResultType]::ParameterName, 'Print an equivalent curl command and send nothing')
            [CompletionResult]::new('--fresh-run-id', '--fresh-run-id', [CompletionResultType]::ParameterName, 'With --repeat: give every delivery a fresh runId')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;verify' {
            [CompletionResult]::new('--signature', '--signature', [CompletionResultType]::ParameterName, 'Check this signature value against the input taken as a bare body')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'A shared secret; repeat for rotation (valid when any matches) [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read a secret from a file (repeatable; combines with --secret for rotation)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print a JSON object instead of the human report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;listen' {
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'Address to bind (loopback unless told otherwise)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port to bind; 0 picks a free one')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (one trailing newline is dropped)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Answer with these status codes in turn, e.g. 503,200')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Save every request, byte-exact, as a raw HTTP file in DIR')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each request to this local app and answer with its response')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Answer 413 to larger bodies')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;replay' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (one trailing newline is dropped)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The endpoint (http:// or https://)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an attempt after this long')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system''s')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Wait this long before the retry (a Retry-After header wins)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, ''Name: value'' (repeatable)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human report')
            [CompletionResult]::new('--no-retry', '--no-retry', [CompletionResultType]::ParameterName, 'Make one attempt only')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;check' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The shared secret, taken verbatim [env: VQ_HOOK_SECRET]')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file (one trailing newline is dropped)')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The endpoint (http:// or https://)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on an attempt after this long')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM) in addition to the system''s')
            [CompletionResult]::new('--project-id', '--project-id', [CompletionResultType]::ParameterName, 'Set `projectId`')
            [CompletionResult]::new('--project-name', '--project-name', [CompletionResultType]::ParameterName, 'Set `projectName`')
            [CompletionResult]::new('--project-slug', '--project-slug', [CompletionResultType]::ParameterName, 'Set `projectSlug`')
            [CompletionResult]::new('--run-id', '--run-id', [CompletionResultType]::ParameterName, 'Set `runId`')
            [CompletionResult]::new('--run-type', '--run-type', [CompletionResultType]::ParameterName, 'Set `runType` (vrt-test, perf-test, seo-test, tracking-test, baseline)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Set a field: PATH is dotted (data.failed), VALUE is JSON if it parses, else a string')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Remove a field (dotted path)')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a JUnit XML report to FILE')
            [CompletionResult]::new('--payload', '--payload', [CompletionResultType]::ParameterName, 'Use this JSON file (or - for stdin) instead of the sample')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Skip TLS certificate verification (testing only)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print JSON instead of the human report')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;demo' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict (and errors)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show more of each exchange (response headers, request details)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'vq-hook;help' {
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List the event types VisualQ sends')
            [CompletionResult]::new('sample', 'sample', [CompletionResultType]::ParameterValue, 'Print the documented sample payload of an event')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature header value for a body')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Deliver a signed event to an endpoint, with VisualQ''s retry policy')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check whether a captured request''s signature is authentic')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Receive deliveries on a local port, verify and show them')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Re-send a request saved by `listen --save`')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Audit an endpoint the way VisualQ will treat it (for CI)')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'A self-contained tour: a local listener audited by `check`')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'vq-hook;help;events' {
            break
        }
        'vq-hook;help;sample' {
            break
        }
        'vq-hook;help;sign' {
            break
        }
        'vq-hook;help;send' {
            break
        }
        'vq-hook;help;verify' {
            break
        }
        'vq-hook;help;listen' {
            break
        }
        'vq-hook;help;replay' {
            break
        }
        'vq-hook;help;check' {
            break
        }
        'vq-hook;help;demo' {
            break
        }
        'vq-hook;help;completions' {
            break
        }
        'vq-hook;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
