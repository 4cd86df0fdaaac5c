using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// The key-encryption certificate of the Data Protection key ring (ADR 017 §7). The ring lives in PostgreSQL next to
/// what it protects (webhook secrets, actor tokens, magic links, the inbox cookie, stored idempotent responses with
/// fresh key tokens); encrypted to a certificate kept outside the database, a copy of the database alone decrypts
/// nothing. A PKCS#12 file named by AXME_KEYRING_CERT (Axme:KeyRingCertificate), optionally with a password; with
/// AXME_KEYRING_CREATE a self-signed one is made there, mode 0600, when the file is absent (./run.sh does this under
/// .data/). In Production the node refuses to start without one.
/// </summary>
public static class KeyRingCertificate
{
    public static X509Certificate2? Load(AxmeOptions o, bool production)
    {
        if (string.IsNullOrWhiteSpace(o.KeyRingCertificate))
            return production
                ? throw new InvalidOperationException(
                    "Set AXME_KEYRING_CERT to a PKCS#12 certificate file (outside the database) that encrypts the Data Protection key ring; " +
                    "AXME_KEYRING_CREATE=true creates one there. ./run.sh does both under .data/. (Unencrypted only outside Production.)")
                : null;
        var path = Path.GetFullPath(o.KeyRingCertificate);
        if (!File.Exists(path))
        {
            if (!o.KeyRingCreate)
                throw new InvalidOperationException($"AXME_KEYRING_CERT: {path} does not exist (AXME_KEYRING_CREATE=true creates one there)");
            Create(path, o.KeyRingCertificatePassword);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, o.KeyRingCertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>A self-signed RSA-3072 certificate for 100 years, written 0600 and moved into place whole (nodes starting together share the first).</summary>
    private static void Create(string path, string? password)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest("CN=axme-keyring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
        var pkcs12 = certificate.Export(X509ContentType.Pkcs12, password);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(temp, options))
            file.Write(pkcs12);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp); // another node made it first: theirs is the one
        }
    }

    /// <summary>
    /// A ring written before a certificate was configured has an unencrypted newest key: a new, encrypted one becomes
    /// the default at once, so nothing new is protected by a key the database shows in clear. What the old key protected
    /// stays readable — and stays exposed to a copy of the database until it is set again (ADR 017 §7).
    /// </summary>
    public static void RotateUnencryptedDefault(IServiceProvider services, string serviceId)
    {
        using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT xml FROM axme_data_protection_keys WHERE service_id = @service AND name LIKE 'key-%' ORDER BY created_at DESC LIMIT 1");
        cmd.Parameters.AddWithValue("service", serviceId);
        if (cmd.ExecuteScalar() is string newest && !newest.Contains("encryptedSecret", StringComparison.Ordinal))
            services.GetRequiredService<IKeyManager>().CreateNewKey(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90));
    }
}
