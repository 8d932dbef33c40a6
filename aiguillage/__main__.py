from aiguillage.cli import main

main()
