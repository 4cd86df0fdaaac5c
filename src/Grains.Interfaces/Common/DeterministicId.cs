using System.Security.Cryptography;
using System.Text;

namespace Axme.Grains.Interfaces.Common;

/// <summary>
/// Name-based (version 5 style) UUIDs: the same caller, endpoint and Idempotency-Key always name the
/// same intent grain, so a retried create lands where the first one did (DESIGN: Idempotency).
/// </summary>
public static class DeterministicId
{
    private static readonly byte[] Namespace = Guid.Parse("6f1c2b9e-6a57-4c55-9d0e-4b8f2a7d1e01").ToByteArray(bigEndian: true);

    public static Guid From(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[Namespace.Length + bytes.Length];
        Namespace.CopyTo(input, 0);
        bytes.CopyTo(input, Namespace.Length);
        var hash = SHA1.HashData(input);
        var g = hash.AsSpan(0, 16).ToArray();
        g[6] = (byte)((g[6] & 0x0F) | 0x50); // version 5
        g[8] = (byte)((g[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(g, bigEndian: true);
    }
}
