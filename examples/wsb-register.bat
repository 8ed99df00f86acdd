@echo off
rem Registers "My Application" with Windows Server Backup semantics: the line below is
rem the example of the registry-keys documentation, typographic quote included.
reg add "HKEY_LOCAL_MACHINE\Software\Microsoft\windows nt\currentversion\WindowsServerBackup\Application Support\{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}” /v "Application Identifier" /t REG_SZ /d "My Application" /f
