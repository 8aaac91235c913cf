"""The parts of the `wechatpay-payscore` command line, one job per module; `..cli.main` puts them together.

exits     what a failure means to a script: the exit codes, and the one table from exception to code
shown     what may be quoted back to the operator (a key pasted in the wrong place never is)
fields    the flags of a command, derived from its operation in the contract
body      the request body: `--body FILE` (or `-`), flags over it, checked against the contract
commands  the commands: which operation each runs, and their parsers
run       running one command: build the call, send it through the ready client, judge the result
report    the one report of a command: its JSON shape and its text
dump      what `notification verify` reads: a notification's headers as dumped, and its raw body
refusals  why `notification verify` refused a notification: the one table from error to exit status and advice
notification  `notification verify`: its parser, its run and its report
"""
