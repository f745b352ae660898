unit AuthClient;

interface

const
  SEC_OPT_PASSWORD = $00007009;
  DefaultAdminPassword = 'Xk5kmsgay5';

type
  TAuthClient = class
  private
    FPassword: AnsiString;
  public
    function Login(const UserName: string; Password: PAnsiChar): Boolean;
    property Password : AnsiString Read FPassword Write FPassword;
  end;

implementation

function TAuthClient.Login(const UserName: string; Password: PAnsiChar): Boolean;
begin
  FPassword:=Password;
  Result := True;
end;

end.
