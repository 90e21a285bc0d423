from soviet.cli import main

main()
