using Axme.Silo.Hosting;

namespace Axme.Grains.Tests.Hosting;

/// <summary>The key ring's key-encryption certificate (issue 11 item 4, ADR 017 §7): made once, 0600, required in Production.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes: the node runs on Linux
public sealed class KeyRingCertificateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "axme-keyring-test-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Created_once_with_owner_only_permissions_and_reused_after()
    {
        var path = Path.Combine(_dir, "keyring.pfx");
        var options = new AxmeOptions { KeyRingCertificate = path, KeyRingCreate = true };
        using var first = KeyRingCertificate.Load(options, production: true)!;
        Assert.True(first.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using var again = KeyRingCertificate.Load(new AxmeOptions { KeyRingCertificate = path }, production: true)!;
        Assert.Equal(first.Thumbprint, again.Thumbprint);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void A_password_protects_the_file()
    {
        var path = Path.Combine(_dir, "locked.pfx");
        using var made = KeyRingCertificate.Load(new AxmeOptions { KeyRingCertificate = path, KeyRingCreate = true, KeyRingCertificatePassword = "s3cret-pass" }, true)!;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => KeyRingCertificate.Load(new AxmeOptions { KeyRingCertificate = path }, true));
    }

    [Fact]
    public void Production_refuses_to_run_without_one_and_a_named_file_must_exist_unless_it_may_be_created()
    {
        Assert.Contains("AXME_KEYRING_CERT", Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(new AxmeOptions(), production: true)).Message);
        Assert.Null(KeyRingCertificate.Load(new AxmeOptions(), production: false));
        var missing = Path.Combine(_dir, "missing.pfx");
        Assert.Contains("does not exist", Assert.Throws<InvalidOperationException>(() => KeyRingCertificate.Load(new AxmeOptions { KeyRingCertificate = missing }, true)).Message);
        Assert.False(File.Exists(missing));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
