; Custos for Windows: Inno Setup 6.3+ script packing the PyInstaller bundle.
;
; 1. On Windows, from the repository root, build the bundle with the same spec as Linux:
;      pyinstaller --noconfirm --clean installer\custos.spec
;    which leaves it in dist\custos\ (custos.exe for the command line, custos-gui.exe for
;    the Start menu, and _internal\).
; 2. Compile this script:  iscc installer\custos.iss
;    (another bundle folder: iscc /DBundleDir=C:\path\to\custos installer\custos.iss;
;     another version: /DAppVersion=0.2.0). The setup lands in build\installer\.
;
; What it does: a per-machine install into Program Files; a Start-menu entry "Custos"; a
; per-machine data folder %ProgramData%\Custos that every user of the PC may change (the
; branch database is encrypted, and each user's own key slot is what guards it); and an
; uninstall that keeps that folder unless the person answers Yes to deleting it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\custos"
#endif
; Inno Setup 6 ships Simplified Chinese only in some releases: use it when it is there.
#define HaveChinese FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")

[Setup]
; The AppId ties upgrades and the uninstaller to this product: never change it.
AppId={{5EB5E9C3-C41E-43DD-8BFE-EB5785617C5C}
AppName=Custos
AppVersion={#AppVersion}
AppVerName=Custos {#AppVersion}
AppPublisher=Custos
DefaultDirName={autopf}\Custos
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 runs on Windows 10 1809 and later.
MinVersion=10.0.17763
OutputDir=..\build\installer
OutputBaseFilename=custos-setup-{#AppVersion}
SetupIconFile=custos.ico
UninstallDisplayIcon={app}\custos-gui.exe
UninstallDisplayName=Custos
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Files in use (a running Custos) are closed through the Restart Manager, not overwritten.
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if HaveChinese
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
english.DeleteDataQuestion=Also delete the data folder %1?%n%nIt holds the branch database, its key ring and its backups. Answer No to keep them (the usual choice: a later install finds them again).
english.DataFolderKept=The data folder %1 was kept.
english.DataFolderNotDeleted=Some files in %1 could not be deleted; remove them by hand.
#if HaveChinese
chinesesimplified.DeleteDataQuestion=是否同时删除数据文件夹 %1？%n%n其中保存营业厅数据库、密钥环和备份。选择“否”将保留它们（通常的选择：以后重新安装时仍可找到）。
chinesesimplified.DataFolderKept=数据文件夹 %1 已保留。
chinesesimplified.DataFolderNotDeleted=%1 中有些文件无法删除，请手动删除。
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Dirs]
; Per-machine data: Users may create and change files here; never removed by the
; uninstaller itself (the [Code] below removes it only when asked to).
Name: "{commonappdata}\Custos"; Permissions: users-modify; Flags: uninsneveruninstall

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Custos"; Filename: "{app}\custos-gui.exe"; WorkingDir: "{app}"; Comment: "Custos"
Name: "{autodesktop}\Custos"; Filename: "{app}\custos-gui.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\custos-gui.exe"; Description: "{cm:LaunchProgram,Custos}"; Flags: nowait postinstall skipifsilent runasoriginaluser

[Code]
var
  DeleteDataFolder: Boolean;

function DataFolder(): String;
begin
  Result := ExpandConstant('{commonappdata}\Custos');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  case CurUninstallStep of
    usUninstall:
      begin
        { Asked before anything is removed; No is the default button, and a silent
          uninstall (no one to ask) keeps the data. }
        DeleteDataFolder := False;
        if DirExists(DataFolder()) and not UninstallSilent() then
          DeleteDataFolder :=
            SuppressibleMsgBox(FmtMessage(CustomMessage('DeleteDataQuestion'), [DataFolder()]),
                               mbConfirmation, MB_YESNO or MB_DEFBUTTON2, IDNO) = IDYES;
      end;
    usPostUninstall:
      begin
        { After the program files are gone, so no running Custos holds the database. }
        if DeleteDataFolder then
        begin
          if not DelTree(DataFolder(), True, True, True) then
            SuppressibleMsgBox(FmtMessage(CustomMessage('DataFolderNotDeleted'), [DataFolder()]),
                               mbInformation, MB_OK, IDOK);
        end
        else if DirExists(DataFolder()) then
          Log(FmtMessage(CustomMessage('DataFolderKept'), [DataFolder()]));
      end;
  end;
end;
