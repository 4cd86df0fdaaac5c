using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Axme.Silo.Hosting;

/// <summary>
/// Data Protection's key ring in PostgreSQL (Schema/004), so every node of a cluster decrypts the webhook
/// secrets any node encrypted. Data Protection itself creates, rotates and caches the keys; this only
/// stores its XML elements.
/// </summary>
public sealed class PostgresKeyRepository(NpgsqlDataSource db, string serviceId) : IXmlRepository
{
    // IXmlRepository is synchronous; Data Protection calls it rarely (start-up, key rotation) and caches the ring.
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var cmd = db.CreateCommand("SELECT xml FROM axme_data_protection_keys WHERE service_id = @service ORDER BY created_at, name");
        cmd.Parameters.AddWithValue("service", serviceId);
        using var reader = cmd.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("""
            INSERT INTO axme_data_protection_keys (service_id, name, xml) VALUES (@service, @name, @xml)
            ON CONFLICT (service_id, name) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("service", serviceId);
        cmd.Parameters.AddWithValue("name", friendlyName);
        cmd.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}
