from provider_sandbox.main import main

main()
