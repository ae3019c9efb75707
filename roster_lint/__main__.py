from roster_lint.cli import main

main()
